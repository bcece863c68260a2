// A stand-in for adapter/session.ts, only for checking the e2e harness and the
// extension's UI before (or independently of) the real adapter: E2E_FAKE=1
// bundles the extension with this session instead. It plays a fixed, tiny
// story — stop at vmbus_pcib_attach, a device with BAR0 and an MSI-X table, a
// data breakpoint on BAR0 hit on continue, step back — and answers the vpci/*
// custom requests with fixed data. Not shipped.
import { LoggingDebugSession, InitializedEvent, StoppedEvent, TerminatedEvent, Thread, StackFrame, Scope, Source, Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

const LISTING = process.env.VPCI_FAKE_LISTING ?? '/tmp/vmbus_pcib.c';
type V = { name: string; value: string; children?: V[]; evaluateName?: string };

export class VpciDebugSession extends LoggingDebugSession {
  private pos = 0; // 0: attach entry, 1: BAR0 write
  private bar0 = '0x00000000';
  private handles = new Handles<V[]>();
  private dataBps = new Set<string>();

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = { supportsConfigurationDoneRequest: true, supportsDataBreakpoints: true, supportsStepBack: true, supportsEvaluateForHovers: false };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }
  protected override launchRequest(response: DebugProtocol.LaunchResponse): void {
    this.sendResponse(response);
  }
  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.sendEvent(new StoppedEvent('entry', 1));
  }
  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(1, 'nic0: vmbus_pcib attach'), new Thread(2, 'nic0: host VSP')] };
    this.sendResponse(response);
  }
  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const src = new Source('vmbus_pcib.c', LISTING);
    response.body = {
      stackFrames:
        args.threadId === 1
          ? [this.pos === 0 ? new StackFrame(1, 'vmbus_pcib_attach', src, 3, 1) : new StackFrame(1, 'vmbus_pcib_write_config', src, 7, 1), new StackFrame(2, 'device_attach', src, 1, 1)]
          : [new StackFrame(3, 'vpci_vsp_wait', src, 1, 1)],
      totalFrames: 2,
    };
    this.sendResponse(response);
  }
  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    this.handles.reset();
    const dev: V[] = [
      { name: 'vendor', value: '0x8086' },
      { name: 'device', value: '0x10ed' },
        { name: 'BARs', value: '2', children: [
          { name: 'BAR0', value: this.bar0, evaluateName: 'nic0.bar[0]' },
          { name: 'BAR3', value: '0x00000000', evaluateName: 'nic0.bar[3]' },
        ] },
        { name: 'MSI-X', value: '3 entries', children: [
          { name: '[0]', value: 'addr 0xfee00000 data 0x4021' },
          { name: '[1]', value: 'addr 0xfee00000 data 0x4022' },
        ] },
    ];
    response.body = { scopes: [new Scope('Bus nic0', this.handles.create([{ name: 'state', value: 'attached' }]), false), new Scope('Device nic0/00:00.0: Intel 82599 VF', this.handles.create(dev), false)] };
    this.sendResponse(response);
  }
  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const vs = this.handles.get(args.variablesReference) ?? [];
    response.body = {
      variables: vs.map((v) => ({ name: v.name, value: v.value, evaluateName: v.evaluateName, variablesReference: v.children ? this.handles.create(v.children) : 0 })),
    };
    this.sendResponse(response);
  }
  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    response.body = args.name === 'BAR0' ? { dataId: 'nic0/cfg/0x10/4', description: 'nic0 BAR0 (config 0x10, 4 bytes)', accessTypes: ['write', 'read', 'readWrite'], canPersist: true } : { dataId: null, description: 'not a register' };
    this.sendResponse(response);
  }
  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.dataBps = new Set(args.breakpoints.map((b) => b.dataId));
    response.body = { breakpoints: args.breakpoints.map((_, i) => ({ id: 100 + i, verified: true })) };
    this.sendResponse(response);
  }
  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.sendResponse(response);
    if (this.pos === 0 && this.dataBps.size) {
      this.pos = 1;
      this.bar0 = '0xfe000000';
      this.sendEvent(new StoppedEvent('data breakpoint', 1, 'nic0 BAR0 written: 0x00000000 → 0xfe000000'));
    } else this.sendEvent(new TerminatedEvent());
  }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    this.pos = 0;
    this.bar0 = '0x00000000';
    this.sendEvent(new StoppedEvent('step', 1));
  }
  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.sendResponse(response);
  }
  protected override customRequest(command: string, response: DebugProtocol.Response, args: { from?: number; count?: number; index?: number }): void {
    if (command === 'vpci/topology')
      response.body = { buses: [{ name: 'nic0', instance: '{bus-guid}', state: 'attached', version: '1.1', functions: [{ wslot: 0, slot: '00:00.0', title: 'Intel 82599 VF', vendorId: 0x8086, deviceId: 0x10ed, bars: [{ index: 0, kind: 'mem64', size: 16384, address: this.bar0, decoding: this.pos > 0 }], interrupts: [{ index: 0, address: 0xfee00000, data: 0x4021, masked: false, cpu: 0, vector: 33 }] }] }] };
    else if (command === 'vpci/messages') {
      const names = ['QUERY_PROTOCOL_VERSION', 'COMPLETION', 'BUS_RELATIONS', 'QUERY_RESOURCE_REQUIREMENTS', 'COMPLETION', 'BUS_D0ENTRY', 'COMPLETION'];
      const total = 100_000;
      const from = args.from ?? 0;
      const count = Math.max(0, Math.min(args.count ?? 200, total - from));
      response.body = { total, items: Array.from({ length: count }, (_, k) => { const i = from + k; const n = names[i % names.length]!; return { index: i * 3, time: i * 1000, bus: 'nic0', dir: n === 'COMPLETION' || n === 'BUS_RELATIONS' ? 'toGuest' : 'toHost', name: n, status: n === 'COMPLETION' ? 0 : undefined, txid: i, length: 16, summary: `${n} #${i}` }; }) };
    } else if (command === 'vpci/messageDetail') response.body = { bytes: '0100420001000000080000000000000004000000', fields: ['type = 0x42490001'] };
    else if (command === 'vpci/lspci') response.body = { text: '00:00.0 Ethernet controller: Intel Corporation 82599 Ethernet Controller Virtual Function' };
    else response.body = {};
    this.sendResponse(response);
  }
}
