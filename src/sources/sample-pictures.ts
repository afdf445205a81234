import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Test-pattern pictures (assets/pictures: 320x180 JPEGs made with ffmpeg's lavfi sources) that the simulators serve as
 * camera pictures, state images and thumbnails, so a demo fleet shows pictures rather than blank tiles.
 */
const COUNT = 6;
let pictures: Buffer[] | null = null;

/** The same picture for the same key (a device id), one of a few. */
export function samplePicture(key: string): Buffer {
  pictures ??= Array.from({ length: COUNT }, (_, i) => readFileSync(new URL(`../../assets/pictures/picture-${i}.jpg`, import.meta.url)));
  // a digest spreads ids that differ in one character (Epiphan's) over the pictures
  return pictures[createHash('md5').update(key).digest()[0]! % COUNT]!;
}

/** The picture as a data URI (Evercam sends snapshot data so). */
export function samplePictureDataUri(key: string): string {
  return `data:image/jpeg;base64,${samplePicture(key).toString('base64')}`;
}
