"""Notification content: localized templates, safe MIME e-mail and SMS text. Pure: no AWS calls here."""
