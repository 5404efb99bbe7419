// title: Treaties in force on a date
// description: Treaties and armistices in force on the date, with the parties that were parties on that date. `in_force_since` is the agreement's recorded entry into force (date_in_force) and `signed` its signature; where the data records no entry into force, `in_force_since` is null and `entry_into_force` says 'unknown' rather than passing the signature off as the day it took effect. As of a date, such a treaty counts from its signature (the earliest day it can have entered into force; nothing says when it did), as an unknown end counts until a source gives one.
// audience: analyst
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (party:Actor)-[p:PARTY_TO]->(t:Agreement)
WHERE (t:Treaty OR t:Armistice)
  AND {{not_after(coalesce(t.date_in_force, t.date_signed))}}
  AND {{holds(p)}}
  AND (t.date_terminated IS NULL OR {{not_before(t.date_terminated)}})
RETURN party.key AS from, 'PARTY_TO' AS type, t.key AS to, t.name AS treaty, party.name AS party,
       t.date_signed AS signed, t.date_in_force AS in_force_since,
       CASE WHEN t.date_in_force IS NULL THEN 'unknown' ELSE 'recorded' END AS entry_into_force
ORDER BY treaty, party
