// title: Most central actors
// description: Actors ranked by betweenness centrality in the whole network, with degree and eigenvector centrality.
// audience: analyst
// param limit: int = 20
MATCH (n:Actor)
WHERE n.betweenness IS NOT NULL
RETURN n.key AS key, n.name AS name, n.class AS class, n.betweenness AS betweenness,
       n.degree AS degree, n.eigenvector AS eigenvector, n.community AS community
ORDER BY betweenness DESC, key
LIMIT $limit
