/** The metrics a listing shows for a task, most telling first. */
export const keyMetrics = (task: string): string[] => (task === 'regression' ? ['rmse', 'mae', 'r2'] : ['accuracy', 'f1', 'auc']);
