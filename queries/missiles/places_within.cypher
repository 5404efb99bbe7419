// title: Places within a distance of a place
// description: Places within the given great-circle distance (km) of a place, by the engine's own point distance, nearest first.
// audience: analyst
// param place: key = place/pyongyang
// param km: float = 1500
MATCH (a:Place {key: $place})
WHERE a.latitude IS NOT NULL
WITH a
MATCH (b:Place)
WHERE b.key <> a.key AND b.latitude IS NOT NULL
WITH a, b, distance(point({latitude: a.latitude, longitude: a.longitude}),
                    point({latitude: b.latitude, longitude: b.longitude})) / 1000.0 AS km
WHERE km <= $km
RETURN b.key AS key, b.name AS name, round(km) AS distance_km
ORDER BY distance_km, key
