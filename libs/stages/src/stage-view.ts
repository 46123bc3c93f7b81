import type { StageMemberRow, StageRow } from './stage.repository';

/** A stage with the registries a promotion into it fans out to (by name). */
export interface StageView {
  id: string;
  name: string;
  position: number;
  registries: string[];
  createdAt: Date;
}

export function toStageView(stage: StageRow, members: StageMemberRow[]): StageView {
  return {
    id: stage.id,
    name: stage.name,
    position: stage.position,
    registries: members
      .filter((member) => member.stageId === stage.id)
      .map((member) => member.registryName),
    createdAt: stage.createdAt,
  };
}
