export { errorFamilies, explainLog, formatExplanation } from './explain-log.js';
export type { ErrorFamily, ExplainFinding, ExplainTool } from './explain-log.js';
export { diagnoseTarget, findPart } from './diagnose-target.js';
export type { Diagnosis, DiagnosisId, SckAttempt, TargetObservations } from './diagnose-target.js';
export { doctorFlow, formatDoctorReport, DOCTOR_SCK_DURATIONS, DOCTOR_READS, QMK_ISP_USB } from './doctor-flow.js';
export type { DoctorFlowOptions, DoctorReport, ProgrammerFacts } from './doctor-flow.js';
