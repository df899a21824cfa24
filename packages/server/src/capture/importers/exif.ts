import exifr from 'exifr';

/** GPS position embedded in a photo's EXIF (read with exifr), or null. Never throws. */
export async function readPhotoGps(bytes: Uint8Array): Promise<{ lat: number; lon: number } | null> {
  try {
    const g = await exifr.gps(Buffer.from(bytes));
    if (g && Number.isFinite(g.latitude) && Number.isFinite(g.longitude))
      return { lat: g.latitude, lon: g.longitude };
  } catch {
    // Not a photo exifr can read: no position.
  }
  return null;
}
