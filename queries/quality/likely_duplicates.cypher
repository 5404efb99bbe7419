// title: Likely duplicates
// description: Pairs that look like one entity, at least one of them loaded from a dataset: the same class and the same name (or a name equal to an alias of more than four characters), the same record id or UN reference number, or a loaded launch of the same system on the same day as another launch. None on the curated data alone. Review them with `peninsula load --dry-run` and settle each pair (same / different / unsure) in a judgements file.
// audience: maintainer
// graph: from=left to=right type=reason
MATCH (a:Entity)
WHERE a.dataset IS NOT NULL
MATCH (b:Entity)
WHERE b.key <> a.key AND b.class = a.class
  AND (toLower(b.name) = toLower(a.name)
       OR any(x IN coalesce(a.alias, []) WHERE size(x) > 4 AND toLower(x) = toLower(b.name))
       OR any(x IN coalesce(b.alias, []) WHERE size(x) > 4 AND toLower(x) = toLower(a.name))
       OR (a.record_id IS NOT NULL AND b.record_id = a.record_id)
       OR (a.reference_number IS NOT NULL AND b.reference_number = a.reference_number))
  AND (b.dataset IS NULL OR a.key < b.key)
RETURN a.key AS left, b.key AS right, 'same name, alias or identifier' AS reason
UNION
MATCH (a:MissileTest)-[:TESTED]->(m:WeaponSystem)<-[:TESTED]-(b:Entity)
WHERE a.dataset IS NOT NULL AND b.key <> a.key AND b.date = a.date
  AND (b.dataset IS NULL OR a.key < b.key)
RETURN a.key AS left, b.key AS right, 'same system, same day: ' + m.key AS reason
