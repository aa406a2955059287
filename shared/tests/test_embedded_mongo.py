"""The embedded SecantusDB's connection string turns retryable writes off (their records make
every write on it slower as a run goes on: storage/embedded_mongo.py), and the server it
starts answers on it."""

from pymongo import MongoClient

from motcua_shared.storage.embedded_mongo import EmbeddedMongo


def test_the_embedded_servers_clients_do_not_retry_writes(tmp_path):
    server = EmbeddedMongo(tmp_path / "mongo").start()
    try:
        with MongoClient(server.url) as client:
            assert client.options.retry_writes is False
            client.probe.things.insert_one({"_id": 1})
            assert client.probe.things.count_documents({}) == 1
    finally:
        server.stop()
