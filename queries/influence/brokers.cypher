// title: Brokers between communities
// description: Actors that link two or more Louvain communities of the whole network (scores written by `peninsula analyze` / build), by betweenness.
// audience: analyst
// param limit: int = 25
MATCH (n:Actor)
WHERE n.broker = true
RETURN n.key AS key, n.name AS name, n.class AS class, n.community AS community,
       n.betweenness AS betweenness, n.degree AS degree
ORDER BY betweenness DESC, key
LIMIT $limit
