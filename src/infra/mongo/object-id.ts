import { Types } from 'mongoose';

/** Our ids are ObjectId hex strings; anything else cannot match a user (one spelling, as in memory). */
export function toObjectId(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/.test(id) ? new Types.ObjectId(id) : null;
}
