// title: Vetoed draft resolutions
// description: Draft Security Council instruments defeated by a veto, who cast it and when, up to the date.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (v:Veto)-[:VETOED]->(s:Sanction)
MATCH (v)-[:CONDUCTED_BY]->(st:State)
WHERE {{not_after(v.date)}}
RETURN v.key AS from, 'VETOED' AS type, s.key AS to, st.key AS state, st.name AS vetoed_by, s.name AS draft, v.date AS date, s.vote AS vote
ORDER BY date, from, state
