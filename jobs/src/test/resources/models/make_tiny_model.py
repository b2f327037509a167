# An untrained TorchScript model with the shapes of docs/forecaster-model.md, for the tests of
# the serving mechanics (loading, batching, version swaps). Made with Debian python3-torch:
#   /usr/bin/python3 make_tiny_model.py tiny/tiny-1
import torch, json, sys
W,H,F,Q=24,5,6,5
class M(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.lstm=torch.nn.LSTM(F,16,batch_first=True); s.out=torch.nn.Linear(16,H*F*Q)
    def forward(s,x):
        y,_=s.lstm(x); z=s.out(y[:,-1,:]).reshape(-1,H,F,Q)
        mid=z[...,2:3]; d=torch.nn.functional.softplus(z)
        lo=mid-torch.flip(torch.cumsum(d[...,0:2].flip(-1),-1),[-1]); hi=mid+torch.cumsum(d[...,3:5],-1)
        return torch.cat([lo,mid,hi],-1)
m=torch.jit.trace(M(),torch.ones(2,W,F)); m.save(sys.argv[1]+'/model.pt')
print(m(torch.ones(3,W,F)).shape)
