"""Services hold the complaint logic; handlers call them, repositories store for them."""
