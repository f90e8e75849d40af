"""SimpleQueue: named queues on the database with at-least-once leases, retries and dead
letters, and singleton leases (fencing epochs) for cluster-wide watchers.

``service`` holds the operations (explicit session), ``views`` the HTTP API, ``client`` one
worker interface over both, ``singleton`` a renew-while-running helper, ``cli`` the
``drydock queue`` commands; ``policy`` and ``schemas`` are the pure rules and records.
"""
