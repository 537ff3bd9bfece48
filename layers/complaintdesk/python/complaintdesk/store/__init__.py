"""Storage: PynamoDB models on the single table and the repositories that use them.

``models`` (tickets, customers, timeline, categories, outbox; the ticket's index layout), the
``*_models`` of mail, reports and attachments, ``repository`` (transactions, cursors, generic reads)
and ``tickets`` (a ticket's persistence: load, save a transition, the queues). Services use these;
nothing here imports a service (the import contracts in pyproject.toml say so).
"""
