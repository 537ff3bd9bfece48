"""Services hold the complaint logic (use cases); handlers and route views call them, ``store/``
stores for them. No service imports a view; services import each other without circles."""
