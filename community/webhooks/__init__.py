"""Webhooks: teams' systems hear what happens to their feedback, ideas, polls and programmes.

    events.py     event names, payloads and emit() (services call it inside their transaction)
    addresses.py  which URLs may be called at all (no private, loopback or metadata addresses)
    delivery.py   signing, the HTTP call, retries with backoff, disabling a failing endpoint
    services.py   what staff do: register, edit, rotate the secret, enable, disable, re-send
    rules.py, forms.py, views.py, api.py, urls.py   who may, and the pages and API for it

Receivers verify deliveries as docs/webhooks.md explains (docs/examples/webhook_receiver.py).
"""
