"""peninsula.graph"""
