"""The multi-host proof (`make test-cluster`): two app hosts, two outbox workers, Redis and one
PostgreSQL database on this machine, driven through both hosts (see `cluster.run`)."""
