def test_index_lists_every_resource(client):
    body = client.get("/api/v1/").get_json()
    assert set(body["data"]) >= {"sources", "entities", "events", "statements", "positions"}
