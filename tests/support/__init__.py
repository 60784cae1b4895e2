"""The test harness, by job; the tests (and `make bench`) import what they need from here.

- paths: where the project, its contract and its trained model are
- topics, trackers: the topic contract's names, rasa_sdk trackers built inline
- processes: the served assistant (scripts/run.sh), `rasa run` and the action server on free ports
- services: where PostgreSQL, Redis and RabbitMQ are, and the rule for a test that needs one
- postgres, rabbitmq, proxy: a throwaway database, queue helpers, a TCP proxy that cuts or stalls a connection
- guarded: a Rasa server with the assistant's guards whose database and action server go through proxies
"""
