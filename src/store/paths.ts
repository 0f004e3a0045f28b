import { digest } from '../shared/digest.js'
import { FORMAT_VERSION } from '../shared/key.js'

/** A fixture as the store sees it: a slot keeps a few entries, the most recently used. */
export interface Slot {
  name: string
  file: string
  node: string
}

// The format version is in the folder name, so a new format never reads an old one.
export const ENTRIES_DIR = `entries-v${FORMAT_VERSION}`

// Named once per slot and process: hundreds of fixtures would hash their names on every step.
const slotFolders = new Map<string, string>()

/**
 * A folder name that is safe whatever the fixture is called (`/`, `..`, NUL, unicode, 10 kB):
 * a readable prefix for people plus a digest that makes it unique.
 */
export function slotFolder(slot: Slot): string {
  const id = `${slot.name}\0${slot.file}\0${slot.node}`
  let folder = slotFolders.get(id)
  if (folder === undefined) slotFolders.set(id, folder = nameSlotFolder(slot))
  return folder
}

function nameSlotFolder(slot: Slot): string {
  const readable = slot.name.normalize('NFKC').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_').slice(0, 40)
  return `${readable}-${digest(slot.name, slot.file, slot.node).slice(0, SLOT_DIGEST_LENGTH)}`
}

export const SLOT_DIGEST_LENGTH = 16

/** The driver's key of a slot's folder. */
export function slotKey(slot: Slot): string {
  return `${ENTRIES_DIR}/${slotFolder(slot)}`
}

export function entryKey(slot: Slot, id: string): string {
  return `${slotKey(slot)}/${id}.entry`
}

/** The lock that guards building one entry. */
export function lockKey(slot: Slot, key: string): string {
  return `locks/${slotFolder(slot)}-${key.slice(0, 32)}`
}
