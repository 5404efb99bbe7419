// title: Events without a date
// description: Events that carry no date, so they cannot be asked "as of" a date or placed on a timeline.
// audience: maintainer
MATCH (e:Event)
WHERE e.date IS NULL OR trim(e.date) = ''
RETURN e.key AS key, e.class AS class, e.name AS name
ORDER BY key
