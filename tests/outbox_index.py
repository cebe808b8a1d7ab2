"""What touchbase's outbox says of each message, by Message-ID.

Message-IDs are opaque, so tests learn a message's kind, partner and
occurrence from "$TOUCHBASE [OPTION...] outbox --json", as an admin would.
"""
import json
import os
import subprocess


def load(*options):
    """Message-ID (without <>) -> the outbox's JSON object."""
    out = subprocess.run([os.environ["TOUCHBASE"], *options, "outbox", "--json"],
                         check=True, capture_output=True).stdout
    return {row["message_id"]: row for row in json.loads(out)["messages"]}


def of(index, msg):
    """The outbox row of an email.message.Message, or KeyError."""
    return index[msg["Message-ID"].strip().strip("<>")]


def names(index, msg):
    """(occurrence, partner, kind) of a message, or None when not ours."""
    row = index.get(msg["Message-ID"].strip().strip("<>"))
    return None if row is None else (row["occurrence"], row["partner"], row["kind"])
