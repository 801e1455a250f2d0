package synack.exchange;

import synack.event.Event;
import synack.event.Remark;
import synack.link.ReceivedFrame;

/**
 * The output handed to an exchange that runs inside another (a DNS lookup inside a trace, ARP
 * before a query): everything passes through except the inner result, which is kept for the
 * outer exchange to act on and tell as it sees fit.
 */
public final class PhaseOutput implements Output {
    private final Output out;
    private Event.Result result;

    public PhaseOutput(Output out) {
        this.out = out;
    }

    @Override
    public long send(byte[] frame, Remark remark, boolean routine) {
        return out.send(frame, remark, routine);
    }

    @Override
    public long transmit(byte[] frame) {
        return out.transmit(frame);
    }

    @Override
    public void shown(ReceivedFrame frame, Remark remark) {
        out.shown(frame, remark);
    }

    @Override
    public void emit(Event event) {
        if (event instanceof Event.Result r) {
            result = r;
        } else {
            out.emit(event);
        }
    }

    /** The inner exchange's result, or null while it runs. */
    public Event.Result result() {
        return result;
    }
}
