import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NO_NUL, NO_NUL_MESSAGE } from './no-nul';

export class CreateKeyDto {
  @IsInt() @Min(0) @Max(1_000_000_000)
  credits: number;

  @IsOptional() @IsString() @MaxLength(200) @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  label?: string;
}
