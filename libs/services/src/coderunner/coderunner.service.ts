import { Inject, Injectable } from '@nestjs/common';
import { Executor, LANGUAGES, RunSpec, RuntimeInfo, SandboxError, SandboxErrorCode, languageNames, resolveLanguage, resolveLimits } from '@app/sandbox';
import { CoderunnerConfig } from './coderunner.config';
import { CoderunnerErrorCode, CoderunnerException } from './coderunner.exception';
import { ExecuteResponse, toExecuteResponse } from './execute-response';
import { ExecuteDto } from './execute.dto';
import { EXECUTOR } from './executor.token';

const ERROR_FOR: Record<SandboxErrorCode, CoderunnerErrorCode> = {
  [SandboxErrorCode.Unavailable]: CoderunnerErrorCode.SandboxUnavailable,
  [SandboxErrorCode.Capacity]: CoderunnerErrorCode.Capacity,
  [SandboxErrorCode.InvalidRequest]: CoderunnerErrorCode.InvalidRequest,
  [SandboxErrorCode.LimitExceeded]: CoderunnerErrorCode.LimitExceeded,
  [SandboxErrorCode.Internal]: CoderunnerErrorCode.SandboxFailure,
};

function translate(err: unknown): never {
  if (err instanceof SandboxError) throw new CoderunnerException(ERROR_FOR[err.code], err.message);
  throw err;
}

@Injectable()
export class CoderunnerService {
  private readonly table;

  constructor(
    @Inject(EXECUTOR) private readonly executor: Executor,
    private readonly config: CoderunnerConfig,
  ) {
    this.table = config.limitsTable();
  }

  async execute(id: string, dto: ExecuteDto): Promise<ExecuteResponse> {
    const language = resolveLanguage(dto.language);
    if (!language) {
      throw new CoderunnerException(CoderunnerErrorCode.UnknownLanguage, `Unknown language "${dto.language}"`, {
        supported: Object.keys(LANGUAGES),
        aliases: languageNames(),
      });
    }
    const max = this.config.codeMaxKb * 1024;
    if (Buffer.byteLength(dto.code, 'utf8') > max) {
      throw new CoderunnerException(CoderunnerErrorCode.CodeTooLarge, `code is larger than ${this.config.codeMaxKb} KiB`);
    }
    try {
      const spec: RunSpec = {
        language,
        code: dto.code,
        stdin: dto.stdin,
        args: dto.args,
        files: dto.files?.map((f) => ({ name: f.name, content: f.content })),
        limits: resolveLimits({ timeoutMs: dto.timeoutMs, memoryMb: dto.memoryMb }, this.table),
      };
      return toExecuteResponse(id, language, await this.executor.run(spec));
    } catch (err) {
      translate(err);
    }
  }

  async runtimes(): Promise<{ runtimes: RuntimeInfo[]; limits: ReturnType<CoderunnerConfig['limitsTable']> }> {
    const runtimes = await this.executor.runtimes().catch(translate);
    return { runtimes, limits: this.table };
  }
}
