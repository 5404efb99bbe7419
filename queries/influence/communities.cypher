// title: Communities of actors
// description: The Louvain communities (seed 7) actors fall in, with their size and their most central members.
// audience: analyst
MATCH (n:Actor)
WHERE n.community IS NOT NULL
WITH n.community AS community, n ORDER BY n.betweenness DESC, n.key
WITH community, collect(n.key) AS members
RETURN community, size(members) AS actors, members[0..5] AS most_central
ORDER BY community
