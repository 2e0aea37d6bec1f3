# Writes leads.ndjson: 30 leads with a demo, all won; 10 won without one;
# 30 lost, each with a lost_reason. 40 of 70 won (57.1%).
with open("leads.ndjson", "w") as f:
    for i in range(1, 71):
        if i <= 30:
            f.write('{"id":"L%d","demo_done":true,"won":true}\n' % i)
        elif i <= 40:
            f.write('{"id":"L%d","won":true}\n' % i)
        else:
            f.write('{"id":"L%d","lost_reason":"price","budget":"none","won":false}\n' % i)
