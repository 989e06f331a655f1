/**
 * The caller, as attached to the request by the bearer strategy. On paid routes the
 * key is checked by the charge step itself (one statement authenticates and debits),
 * so `keyId` is only known once that step has run.
 */
export interface Principal {
  keyHash: string;
  keyId?: string;
}
