/**
 * The content policy as operators edit it (`GET/PUT /admin/api/policy`): term lists, each term with an
 * action, and what to do with links. Stored as one JSON document; every instance compiles it into a
 * matcher. The default list is a small starting point in Chinese and English, meant to be edited.
 */
import { z } from 'zod';
import { isStorableText } from '../shared/limits.js';
import { normalizeTerm } from './normalize.js';

/**
 * `allow`: an exception — a phrase that is fine although a listed term occurs inside it ("essex chat" with
 * "sex chat" blocked); `flag`: stored and marked for review; `mask`: delivered with the term hidden;
 * `block`: refused.
 */
export const POLICY_ACTIONS = ['allow', 'flag', 'mask', 'block'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];
/** Strongest last: of several hits in one message, the strongest action wins. */
export const ACTION_RANK: Record<PolicyAction, number> = { allow: 0, flag: 1, mask: 2, block: 3 };
export const LINK_ACTIONS = ['allow', 'flag', 'block'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** Most terms in one policy (a 10,000-term list is benchmarked). */
export const MAX_POLICY_TERMS = 50_000;

const storedTerm = z.strictObject({
  term: z.string().trim().min(1).max(64).refine(isStorableText, 'must not contain NUL or half of a surrogate pair'),
  action: z.enum(POLICY_ACTIONS),
});

/** A stored policy, as every instance reads it. */
export const policyDocumentSchema = z.strictObject({
  terms: z.array(storedTerm).max(MAX_POLICY_TERMS),
  links: z.enum(LINK_ACTIONS),
});
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/**
 * A policy an admin saves (`PUT /admin/api/policy`): also no term that matches nothing. Terms are compared
 * with spaces, punctuation and symbols left out (normalize.ts), so one of only those (`***`, `😀`) would be
 * dropped by the matcher while the page said "saved". Only here, not on a stored policy: one saved before
 * this check still loads (such a term is left out as before) instead of being refused whole.
 */
export const policyUpdateSchema = policyDocumentSchema.extend({
  terms: z
    .array(storedTerm.refine((entry) => normalizeTerm(entry.term) !== '', { message: 'must contain a letter or a digit (spaces, punctuation and symbols are left out when matching)', path: ['term'] }))
    .max(MAX_POLICY_TERMS),
});

const term = (text: string, action: PolicyAction) => ({ term: text, action });

/**
 * The policy a new installation starts with. Few terms, on purpose: scams and sexual solicitation are
 * blocked, common insults masked, contact-seeking phrases flagged for review.
 */
export const DEFAULT_POLICY: PolicyDocument = {
  links: 'flag',
  terms: [
    // Sexual solicitation and trafficking: refused.
    term('约炮', 'block'),
    term('裸聊', 'block'),
    term('援交', 'block'),
    term('嫖娼', 'block'),
    term('卖淫', 'block'),
    term('sex chat', 'block'),
    term('nudes for sale', 'block'),
    // Scams: refused.
    term('刷单', 'block'),
    term('网赚', 'flag'),
    term('博彩', 'block'),
    // Flagged, not refused: people also talk about these (代孕合法吗？我在写论文; "I will send bitcoin to my
    // brother"), and a refusal is a strike. An offer is read by a moderator.
    term('代孕', 'flag'),
    term('crypto giveaway', 'block'),
    term('send bitcoin', 'flag'),
    // …but the scam's own shapes are refused.
    term('double your bitcoin', 'block'),
    term('send bitcoin to this address', 'block'),
    // Insults: masked.
    term('傻逼', 'mask'),
    term('傻b', 'mask'),
    term('操你妈', 'mask'),
    term('fuck you', 'mask'),
    term('motherfucker', 'mask'),
    term('bitch', 'mask'),
    // Contact seeking: flagged (strangers asking to move elsewhere is how grooming and scams start).
    term('加微信', 'flag'),
    term('加我微信', 'flag'),
    term('加qq', 'flag'),
    term('add me on snapchat', 'flag'),
    term('whatsapp me', 'flag'),
    term('telegram me', 'flag'),
    // Everyday words a term above occurs in (Chinese terms match anywhere): 刷单词 is drilling vocabulary,
    // 刷单曲 a song on repeat, 刷单车卡 unlocking a shared bike, 刷单元格 cells; 约炮台山 meeting at Fortress
    // Hill station (炮台 a fort); 傻boy, 傻bear, 傻baby pet names; "what the fuck you talking about" is
    // rude, not aimed. Without these, "我在刷单词" was refused as a scam, and two such lines muted a newcomer.
    term('刷单词', 'allow'),
    term('刷单曲', 'allow'),
    term('刷单车卡', 'allow'),
    term('刷单元格', 'allow'),
    // Whole place names: 约炮台 alone would let 约炮台湾妹子 through.
    term('约炮台山', 'allow'),
    term('约炮台公园', 'allow'),
    term('傻boy', 'allow'),
    term('傻bear', 'allow'),
    term('傻baby', 'allow'),
    ...['what', 'who', 'how', 'why', 'where'].map((word) => term(`${word} the fuck you`, 'allow')),
  ],
};
