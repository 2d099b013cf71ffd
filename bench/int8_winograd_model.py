"""How much quantizing a 3x3 convolution in the Winograd domain costs, F(4x4, 3x3) against
F(2x2, 3x3): a NumPy model of the int8 inference path's arithmetic (`NeuralCore/Quantized.swift`).

Inputs V quantized per point and input channel to int16 (the calibrated range at 8191 steps),
weights U per point and output channel to 8 bits (±127), on ReLU'd normal inputs and He-scaled
normal weights, 8x8 boards. Prints the root-mean-square difference from the float convolution,
relative to its size, for inputs quantized alone, weights alone, and both.

    .venv-jax/bin/python bench/int8_winograd_model.py
"""
import numpy as np
rng = np.random.default_rng(1)
# F(4x4,3x3) matrices (Lavin), points 0, ±1, ±2, inf
BT = np.array([[4,0,-5,0,1,0],[0,-4,-4,1,1,0],[0,4,-4,-1,1,0],[0,-2,-1,2,1,0],[0,2,-1,-2,1,0],[0,4,0,-5,0,1]],float)
G = np.array([[1/4,0,0],[-1/6,-1/6,-1/6],[-1/6,1/6,-1/6],[1/24,1/12,1/6],[1/24,-1/12,1/6],[0,0,1]],float)
AT = np.array([[1,1,1,1,1,0],[0,1,-1,2,-2,0],[0,1,1,4,4,0],[0,1,-1,8,-8,1]],float)
# F(2x2,3x3)
BT2=np.array([[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]],float)
G2=np.array([[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]],float)
AT2=np.array([[1,1,1,0],[0,1,-1,-1]],float)
def conv(x,w):  # x [C,8,8] w[3,3,C,K] same pad
    C,H,W=x.shape; K=w.shape[3]; xp=np.pad(x,((0,0),(1,1),(1,1))); y=np.zeros((K,H,W))
    for r in range(3):
        for s in range(3): y+=np.einsum('chw,ck->khw',xp[:,r:r+H,s:s+W],w[r,s])
    return y
def wino(x,w,BT,G,AT,m,qV,qW,calib):
    C,H,W=x.shape;K=w.shape[3];a=m+2
    U=np.einsum('pr,rsck,qs->pqck',G,w,G)  # [a,a,C,K]
    xp=np.pad(x,((0,0),(1,1+a),(1,1+a)))
    tiles=[]
    for ty in range(0,H,m):
        for tx in range(0,W,m):
            d=xp[:,ty:ty+a,tx:tx+a]; tiles.append(np.einsum('pr,crs,qs->pqc',BT,d,BT))
    V=np.array(tiles) # [T,a,a,C]
    if qV:
        rng_=calib(BT,a) if calib is not None else np.abs(V).max(axis=0)
        step=rng_/8191.0; step[step==0]=1
        V=np.clip(np.round(V/step),-32767,32767)*step
    if qW:
        s=np.abs(U).max(axis=2,keepdims=True)/127.0; s[s==0]=1
        U=np.round(U/s)*s
    M=np.einsum('tpqc,pqck->tpqk',V,U)
    Y=np.einsum('ip,tpqk,jq->tijk',AT,M,AT)
    y=np.zeros((K,H,W)); t=0
    for ty in range(0,H,m):
        for tx in range(0,W,m):
            y[:,ty:ty+m,tx:tx+m]=Y[t].transpose(2,0,1)[:, :min(m,H-ty), :min(m,W-tx)]; t+=1
    return y
for C,K in [(64,64),(128,128)]:
    x=np.maximum(rng.normal(size=(C,8,8)),0); w=rng.normal(size=(3,3,C,K))/np.sqrt(9*C)
    ref=conv(x,w)
    for name,(BT_,G_,AT_,m) in {'F43':(BT,G,AT,4),'F23':(BT2,G2,AT2,2)}.items():
        for qV,qW in [(True,False),(False,True),(True,True)]:
            y=wino(x,w,BT_,G_,AT_,m,qV,qW,None)
            err=np.sqrt(((y-ref)**2).sum()/(ref**2).sum())
            print(C,K,name,'qV' if qV else '  ','qW8' if qW else '   ',f'{100*err:.3f} %')
