/**
 * The caller, as attached to the request by the bearer strategy. On paid routes the
 * key is checked by the charge step itself (one statement authenticates and debits),
 * so `keyId` is only known once that step has run; a paid handler with a head start (see
 * FundedKeys) runs beside that step and must not rely on it.
 */
export interface Principal {
  keyHash: string;
  keyId?: string;
}
