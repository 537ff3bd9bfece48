"""Storage: PynamoDB models on the single table and the repositories that use them."""
