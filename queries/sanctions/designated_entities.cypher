// title: Designated entities on a date
// description: Entities listed for sanctions by an instrument or a regime by the date, with the listing date and reference number.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (x:Entity)-[d:DESIGNATES]->(a:Actor)
WHERE {{holds(d)}}
RETURN x.key AS from, 'DESIGNATES' AS type, a.key AS to, a.name AS entity, a.class AS class,
       x.name AS listed_by, d.valid_from AS listed, d.reference_number AS reference
ORDER BY entity, listed, from
