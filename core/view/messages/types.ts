/**
 * The shape every language's catalogue has: English (en.ts) defines the message codes, and every
 * other language gives a text for each of them.
 */
import type { Message } from '../message';
import type { en } from './en';

/** A message's stable code: a key of the English catalogue. */
export type MessageCode = keyof typeof en;

/** One language's catalogue: a text for every message code. */
export type Messages = Readonly<Record<MessageCode, Message>>;
