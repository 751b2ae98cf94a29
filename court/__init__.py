"""The court domain: identities, roles, permissions and hearing facts.

Pure Python: no asyncio, no I/O, no framework imports. Every other package may import it;
it imports none of them.
"""
