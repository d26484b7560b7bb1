/** Words issue 12 retired: one thing has one name ("two-step sign-in", "sign-in code", "Set up", "Turn on"). */
export const FORBIDDEN = /\b2FA\b|two[- ]factor|two-step verification|authentication code|one-time code|one-time sign-in code/i;
/** Old button labels (case matters: "enable" inside a sentence about something else is fine). */
export const OLD_BUTTONS = /\bEnable\b|Verify and turn on/;

/** The first retired word in `text`, or null. */
export const retiredWord = (text: string): string | null => FORBIDDEN.exec(text)?.[0] ?? OLD_BUTTONS.exec(text)?.[0] ?? null;

/** Identifiers that are not words: CLI command names (the audit log shows its actions in words, so no raw key is let through). */
export const withoutIdentifiers = (text: string) => text.replace(/\breset-2fa\b/g, '');
