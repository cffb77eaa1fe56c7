"""enrich"""
