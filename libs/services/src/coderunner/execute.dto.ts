import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

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
}
