"""Drives a running `streamrec run` with a Kafka client StreamRec did not write.

Produces events keyed by user (one of them malformed) with confluent-kafka,
then reads the recommendations and the dead-letter topic back and prints what it
found as one JSON object. Exits 1 with a message if a record is not what the
topic's schema says.

    python3 confluent_engine_roundtrip.py BOOTSTRAP USERS
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def produce(bootstrap, users):
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    errors = []

    def delivered(error, _message):
        if error is not None:
            errors.append(str(error))

    for index in range(users * 10):
        user = f"py-u{index % users}"
        event = {
            "user_id": user,
            "item_id": f"py-sku-{index % 7}",
            "type": "purchase" if index % 10 == 9 else "view",
            # Both timestamp forms of Event v1: RFC 3339 text and epoch milliseconds.
            "timestamp": "2025-06-15T12:00:%02d.000Z" % (index % 60) if index % 2 else 1_750_000_000_000 + index * 1000,
            "item": {"category": "garden", "price": 12.5},
        }
        producer.produce("streamrec.events", key=user, value=json.dumps(event), on_delivery=delivered)
    producer.produce("streamrec.events", key="py-u0", value=b'{"user_id": "py-u0", "item_id": 7', on_delivery=delivered)
    if producer.flush(30) != 0 or errors:
        fail(f"not every event was delivered: {errors}")


def read(bootstrap, topic, done, timeout=60):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"py-reader-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    records = []
    end = time.time() + timeout
    while time.time() < end and not done(records):
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            fail(f"{topic}: {message.error()}")
        records.append(message)
    consumer.close()
    return records


def main():
    bootstrap, users = sys.argv[1], int(sys.argv[2])
    produce(bootstrap, users)

    expected = {f"py-u{k}" for k in range(users)}
    updates = read(bootstrap, "streamrec.recommendations",
                   lambda records: {r.key().decode() for r in records} >= expected)
    for record in updates:
        update = json.loads(record.value())
        if update.get("version") != 1 or update.get("user_id") != record.key().decode():
            fail(f"not a Recommendation v1 keyed by its user: {record.key()} {record.value()}")
        for item in update["items"]:
            if not isinstance(item.get("item_id"), str) or not isinstance(item.get("score"), (int, float)):
                fail(f"bad item in {record.value()}")
        if not {"partition", "offset", "event_time"} <= update["based_on"].keys():
            fail(f"bad based_on in {record.value()}")

    letters = read(bootstrap, "streamrec.events.dlq", lambda records: len(records) >= 1)
    reasons = [dict((k, v.decode()) for k, v in (r.headers() or [])).get("streamrec.error") for r in letters]

    print(json.dumps({
        "users": sorted({r.key().decode() for r in updates}),
        "updates": len(updates),
        "models": sorted({json.loads(r.value())["model"] for r in updates}),
        "items": sorted({i["item_id"] for r in updates for i in json.loads(r.value())["items"]}),
        "dead_letter_reasons": reasons,
    }))


if __name__ == "__main__":
    main()
