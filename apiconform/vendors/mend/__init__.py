"""Mend (WhiteSource) HTTP API v1.2: one RPC endpoint dispatched by the body's requestType."""
