import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { isPlainObjectWithKeys } from '@app/platform';

const EXECUTE_KEYS = new Set(['language', 'code', 'stdin', 'args', 'files', 'timeoutMs', 'memoryMb']);
const FILE_KEYS = new Set(['name', 'content']);

export class RunFileDto {
  @IsString() @MaxLength(255)
  name: string;

  @IsString()
  content: string;
}

export class ExecuteDto {
  @IsString() @MaxLength(32)
  language: string;

  @IsString()
  code: string;

  @IsOptional() @IsString()
  stdin?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true })
  args?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(32) @ValidateNested({ each: true }) @Type(() => RunFileDto)
  files?: RunFileDto[];

  @IsOptional() @IsInt()
  timeoutMs?: number;

  @IsOptional() @IsInt()
  memoryMb?: number;

  /**
   * FastAccepting: the instance for a body that plainly meets the decorators above, else
   * undefined (class-validator decides). Stricter where that is simpler: null for an optional
   * field, and lengths counted in UTF-16 units (never fewer than MaxLength's characters).
   */
  static acceptFast(value: unknown): ExecuteDto | undefined {
    if (!isPlainObjectWithKeys(value, EXECUTE_KEYS)) return undefined;
    const { language, code, stdin, args, files, timeoutMs, memoryMb } = ownFields(value, EXECUTE_KEYS);
    if (typeof language !== 'string' || language.length > 32 || typeof code !== 'string') return undefined;
    if (stdin !== undefined && typeof stdin !== 'string') return undefined;
    if (args !== undefined && !(Array.isArray(args) && args.length <= 64 && args.every((a) => typeof a === 'string'))) return undefined;
    if (files !== undefined && !(Array.isArray(files) && files.length <= 32 && files.every(isPlainFile))) return undefined;
    if (!isOptionalInt(timeoutMs) || !isOptionalInt(memoryMb)) return undefined;
    const dto = Object.assign(new ExecuteDto(), value);
    if (args) dto.args = [...(args as string[])];
    if (files) dto.files = (files as RunFileDto[]).map((f) => Object.assign(new RunFileDto(), f));
    return dto;
  }
}

function isPlainFile(f: unknown): boolean {
  if (!isPlainObjectWithKeys(f, FILE_KEYS)) return false;
  const { name, content } = ownFields(f, FILE_KEYS);
  return typeof name === 'string' && name.length <= 255 && typeof content === 'string';
}

/** Own properties only, as class-transformer copies them: nothing from a polluted Object.prototype. */
function ownFields(value: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key of keys) own[key] = Object.hasOwn(value, key) ? value[key] : undefined;
  return own;
}

function isOptionalInt(n: unknown): boolean {
  return n === undefined || Number.isInteger(n);
}
