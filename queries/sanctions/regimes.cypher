// title: Sanctions regimes
// description: Each sanctions regime with the number of its instruments adopted by the date, the first and latest adoption dates and the states it targets.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (g:SanctionsRegime)
OPTIONAL MATCH (i:Sanction)-[:PART_OF_REGIME]->(g)
WHERE {{not_after(i.date)}}
OPTIONAL MATCH (g)-[:TARGETS]->(t:State)
RETURN g.key AS regime, g.name AS name, g.valid_from AS since, count(DISTINCT i) AS instruments,
       min(i.date) AS first, max(i.date) AS latest, collect(DISTINCT t.iso3) AS targets
ORDER BY instruments DESC, regime
