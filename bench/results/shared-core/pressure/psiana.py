import sys
rows=[l.split() for l in open(sys.argv[1]) if not l.startswith('pid')]
rows=[(float(r[0]),int(r[1]),int(r[2]),int(r[3]),int(r[4])) for r in rows if len(r)==5]
t0=rows[0][0]; step=int(sys.argv[2]) if len(sys.argv)>2 else 10
for i in range(step,len(rows),step):
    a,b=rows[i-step],rows[i]; dt=b[0]-a[0]
    print(f"t={a[0]-t0:5.0f}s some={(b[1]-a[1])/1e6/dt:6.3f} full={(b[2]-a[2])/1e6/dt:6.3f} sys_some={(b[3]-a[3])/1e6/dt:6.3f} cpu={(b[4]-a[4])/100/dt:6.3f}")
