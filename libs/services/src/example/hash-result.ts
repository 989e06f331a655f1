export interface HashResult {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}
