// The interview runner (#/, #/interview/{id}): lays out the runner bar, the current step
// (problem, approach, code, analysis, summary) and the chat. The session lives in
// runner/useInterview.js; each part of the page is a component in runner/.
import { useId, useRef } from 'react';
import { Spinner } from './components.jsx';
import { AnalysisSection } from './runner/AnalysisSection.jsx';
import { ApproachForm } from './runner/ApproachForm.jsx';
import { ChatPanel } from './runner/ChatPanel.jsx';
import { CodeStep } from './runner/CodeStep.jsx';
import { ConnectionErrors } from './runner/ConnectionErrors.jsx';
import { ProblemCard } from './runner/ProblemCard.jsx';
import { ProblemForm } from './runner/ProblemForm.jsx';
import { RunnerBar } from './runner/RunnerBar.jsx';
import { SummarySection } from './runner/SummarySection.jsx';
import { useCodeDraft } from './runner/useCodeDraft.js';
import { useInterview } from './runner/useInterview.js';
import { useStageScroll } from './runner/useStageScroll.js';

export default function Runner({ resumeId, onInterviewId, onNewInterview, visible }) {
  const session = useInterview(resumeId, onInterviewId);
  const { view, stage, interviewId, finished, replaying, restoring, canSend, conn, commands } = session;
  const editorRef = useRef(null);
  const chatInputRef = useRef(null);
  const code = useCodeDraft(editorRef, { resumeId, interviewId, replaying, replayed: view.replayed, lastCode: view.lastCode });
  const { stageRef, analysisRef, summaryRef, showAnalysis } = useStageScroll({ analysesCount: view.analyses.length, summary: view.summary, replaying });

  const submitCode = () => commands.code(editorRef.current ? editorRef.current.getValue() : '', code.language);
  const runCode = (customInput) => commands.run(editorRef.current ? editorRef.current.getValue() : '', code.language, customInput);
  const focusChat = () => chatInputRef.current && chatInputRef.current.focus();
  const showEditor = stage === 'coding' || stage === 'feedback';
  const ids = useId();
  const stageId = ids + 'stage';
  const stepIdPrefix = ids + 'step-';

  return (
    <div className="runner" hidden={!visible} data-testid="runner" data-stage={stage} data-interview-id={interviewId || ''}>
      <RunnerBar
        title={view.problemTitle}
        interviewId={interviewId}
        deadline={view.deadline}
        stage={stage}
        conn={conn}
        onReconnect={session.reconnect}
        onNewInterview={onNewInterview}
        stepIdPrefix={stepIdPrefix}
        stageId={stageId}
      />
      <ConnectionErrors
        fatal={session.fatal}
        conn={conn}
        failures={session.failures}
        resumeId={resumeId}
        onReconnect={session.reconnect}
        onNewInterview={onNewInterview}
      />

      {session.watching ? (
        <div className="card watch-note" role="status" data-testid="watch-note">
          You are watching this interview. Only the browser that started it can act in it; you see its history and what happens live.
        </div>
      ) : null}

      <div className="runner-body">
        <main className="stage" id={stageId} ref={stageRef} aria-labelledby={stepIdPrefix + (stage === 'ended' ? 'summarised' : stage)}>
          {restoring ? (
            <div className="card center-note">
              <Spinner label="Restoring your interview…" />
            </div>
          ) : null}
          {stage === 'problem' && !resumeId ? <ProblemForm onSubmit={commands.problem} onPick={commands.pick} canSend={canSend} starting={view.starting} /> : null}
          {stage !== 'problem' && !restoring ? (
            <ProblemCard title={view.problemTitle} text={view.problemText} collapsible={stage !== 'approach'} />
          ) : null}
          {stage === 'approach' ? <ApproachForm onSubmit={commands.approach} onSkip={commands.skipToCoding} canSend={canSend} /> : null}
          <CodeStep
            editorRef={editorRef}
            shown={showEditor}
            mountEditor={!!interviewId || showEditor}
            language={code.language}
            onLanguage={code.setLanguage}
            onCodeChange={code.onCodeChange}
            onSubmit={submitCode}
            onRun={runCode}
            runStatus={view.runStatus}
            latestRun={view.runs.length ? view.runs[view.runs.length - 1] : null}
            submissions={view.submissions}
            canSend={canSend}
          />
          <SummarySection
            ref={summaryRef}
            summary={view.summary}
            ended={stage === 'ended'}
            interviewId={interviewId}
            onNewInterview={onNewInterview}
          />
          <AnalysisSection ref={analysisRef} analyses={view.analyses} finished={finished} onAnswer={focusChat} />
        </main>

        <ChatPanel
          view={view}
          stage={stage}
          finished={finished}
          canSend={canSend}
          localError={session.localError}
          commands={commands}
          inputRef={chatInputRef}
          onShowAnalysis={showAnalysis}
        />
      </div>
    </div>
  );
}
