import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CreateKeyDto {
  @IsInt() @Min(0) @Max(1_000_000_000)
  credits: number;

  @IsOptional() @IsString() @MaxLength(200)
  label?: string;
}
