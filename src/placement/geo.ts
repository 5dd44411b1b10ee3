// Great-circle distances. HAS uses haversine with R = 6371 km (conductor/solver/utils), so
// the same radius keeps thresholds such as "< 1500 km" comparable between the two engines.

export const EARTH_RADIUS_KM = 6371;
const RAD = Math.PI / 180;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Distances from one point to every candidate, computed once per distinct point and request. */
export function distancesFrom(lat: number, lon: number, lats: Float64Array, lons: Float64Array): Float64Array {
  const out = new Float64Array(lats.length);
  const cosLat = Math.cos(lat * RAD);
  for (let i = 0; i < lats.length; i++) {
    const dLat = (lats[i] - lat) * RAD;
    const dLon = (lons[i] - lon) * RAD;
    const s = Math.sin(dLat / 2) ** 2 + cosLat * Math.cos(lats[i] * RAD) * Math.sin(dLon / 2) ** 2;
    out[i] = 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)));
  }
  return out;
}
