<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackwardPlayer</name>
    <message>
        <location filename="../../ui/player/player.py" line="677" />
        <source>stale: ran before cell {cell} changed</source>
        <translation>已过时：在单元格 {cell} 改动之前运行</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="68" />
        <source>To start (Home)</source>
        <translation>回到开头 (Home)</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="69" />
        <source>Step back (Left)</source>
        <translation>后退一步 (Left)</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="70" />
        <source>Play / pause (Space)</source>
        <translation>播放 / 暂停 (Space)</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="71" />
        <source>Step forward (Right)</source>
        <translation>前进一步 (Right)</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="72" />
        <source>To end (End)</source>
        <translation>跳到结尾 (End)</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="79" />
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="156" />
        <location filename="../../ui/player/player.py" line="174" />
        <source>.grad ledger</source>
        <translation>.grad 账本</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="160" />
        <location filename="../../ui/player/player.py" line="175" />
        <source>Saved buffers</source>
        <translation>保存的缓冲区</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="221" />
        <location filename="../../ui/player/player.py" line="223" />
        <source>No backward() call yet.</source>
        <translation>还没有 backward() 调用。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="321" />
        <source>step {k}/{n}: {what}</source>
        <translation>第 {k}/{n} 步：{what}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="386" />
        <source>{type} at {node}: {message}</source>
        <translation>{node} 处的 {type}：{message}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="395" />
        <source>{node}.{attr} (freed by call #{n})</source>
        <translation>{node}.{attr}（已被第 {n} 次调用释放）</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="397" />
        <source>Its saved buffers ({attrs}) were freed by call {n}.</source>
        <translation>它保存的缓冲区（{attrs}）已被调用 {n} 释放。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="83" />
        <location filename="../../ui/player/player.py" line="173" />
        <source>Backward call:</source>
        <translation>反向调用：</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="90" />
        <source>Which backward() call to replay (✗: it raised an error)</source>
        <translation>要回放哪一次 backward() 调用（✗：该调用出错）</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="222" />
        <source>Run a cell that calls .backward() to replay it here node by node.</source>
        <translation>运行一个调用 .backward() 的单元格，即可在这里逐个节点回放。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="350" />
        <source>Order of this call: {nodes}</source>
        <translation>本次调用的节点顺序：{nodes}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="352" />
        <source>Step forward to watch the root's grad flow back, one node at a time.</source>
        <translation>单步前进，观察根节点的梯度如何一个节点一个节点地反向传播。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="399" />
        <source>Fix: keep them alive with backward(retain_graph=True) in that earlier call.</source>
        <translation>修复：在先前那次调用中使用 backward(retain_graph=True)，保留这些缓冲区。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="406" />
        <source>Apply fix</source>
        <translation>应用修复</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="407" />
        <source>Write backward(retain_graph=True) into the earlier call, as one undo step</source>
        <translation>把 backward(retain_graph=True) 写入先前的调用（可一步撤销）</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="515" />
        <source>cell {cell}</source>
        <translation>单元格 {cell}</translation>
    </message>
    <message>
        <location filename="../../ui/player/names.py" line="45" />
        <source>an unnamed tensor</source>
        <translation>一个未命名的张量</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="535" />
        <source>backward() starts; every node pending</source>
        <translation>backward() 开始；所有节点等待中</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="537" />
        <source>{node} runs</source>
        <translation>{node} 运行</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="539" />
        <source>{node} sends its grads</source>
        <translation>{node} 发出它的梯度</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="541" />
        <source>{tensor}.grad += {value}</source>
        <translation>{tensor}.grad += {value}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="544" />
        <source>{node} frees {attr}</source>
        <translation>{node} 释放 {attr}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="546" />
        <source>{hook} hook on {node}</source>
        <translation>{node} 上的 {hook} 钩子</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="548" />
        <source>grad captured for {tensor}</source>
        <translation>已捕获 {tensor} 的梯度</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="550" />
        <source>{type} at {node}</source>
        <translation>{node} 处的 {type}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="552" />
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="552" />
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="63" />
        <source>Memory held by saved buffers at each step</source>
        <translation>每一步中保存的缓冲区所占的内存</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="91" />
        <source>saved buffers: {live} (peak {peak})</source>
        <translation>保存的缓冲区：{live}（峰值 {peak}）</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="190" />
        <source>saved for backward, still alive</source>
        <translation>为反向传播保存，仍保留</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="194" />
        <source>freed after its node ran</source>
        <translation>其节点运行后已释放</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="249" />
        <source>No node is running at this step.</source>
        <translation>这一步没有节点在运行。</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="257" />
        <source>local rule: {rule}</source>
        <translation>局部规则：{rule}</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="257" />
        <source>local rule: (not in the table)</source>
        <translation>局部规则：（不在表中）</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="261" />
        <source>grad arriving (upstream): {values}</source>
        <translation>传入的梯度（上游）：{values}</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="264" />
        <source>has not run yet</source>
        <translation>尚未运行</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="269" />
        <source>input {i}: needs no grad</source>
        <translation>输入 {i}：不需要梯度</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="271" />
        <source>input {i} -&gt; {target}: {value}</source>
        <translation>输入 {i} -&gt; {target}：{value}</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="274" />
        <source>(summed from shape {src} down to {dst})</source>
        <translation>（从形状 {src} 求和缩减到 {dst}）</translation>
    </message>
    <message>
        <location filename="../../ui/player/widgets.py" line="287" />
        <source>.grad: {before} + {contribution} = {after}</source>
        <translation>.grad：{before} + {contribution} = {after}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="0" />
        <source>finished: {tensor}.grad = {value}</source>
        <translation>完成：{tensor}.grad = {value}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="0" />
        <source>finished: grad of {tensor} = {value}</source>
        <translation>完成：{tensor} 的梯度 = {value}</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="0" />
        <source>The call stopped with an error; the ledger shows what it changed before.</source>
        <translation>这次调用因错误而停止；账本显示它在出错之前改变了什么。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="0" />
        <source>The call is over; no leaf received a grad.</source>
        <translation>这次调用已结束；没有叶子张量收到梯度。</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="0" />
        <source>… {n} more</source>
        <translation>… 另外 {n} 个</translation>
    </message>
    <message>
        <location filename="../../ui/player/player.py" line="0" />
        <source>&lt;b&gt;{name}&lt;/b&gt; is running</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; 正在运行</translation>
    </message>
    <message>
        <source>{buffer}: freed once its node ran (backward frees saved tensors unless retain_graph=True)</source>
        <translation>{buffer}：其节点运行后已释放（除非 retain_graph=True，反向传播会释放保存的张量）</translation>
    </message>
    <message>
        <source>{buffer}: freed by an earlier backward() call; this call needed it again</source>
        <translation>{buffer}：已被更早的 backward() 调用释放；本次调用又需要它</translation>
    </message>
    <message>
        <source>{buffer}: saved in the forward pass for this node&apos;s backward; still held</source>
        <translation>{buffer}：前向传播时为该节点的反向计算保存，仍然保留</translation>
    </message>
    <message>
        <source>Find a node of this call…</source>
        <translation>查找本次调用中的节点…</translation>
    </message>
    <message>
        <source>Type part of a node&apos;s name; Enter runs to the first match</source>
        <translation>输入节点名称的一部分；按 Enter 运行到第一个匹配项</translation>
    </message>
    <message>
        <source>The call&apos;s nodes in the order they run; pick one to run to it</source>
        <translation>本次调用的节点，按运行顺序排列；选择一个即运行到该节点</translation>
    </message>
    <message>
        <source>Select a node in the graph to run to it</source>
        <translation>在图中选择一个节点即可运行到该节点</translation>
    </message>
    <message>
        <source>Run to the selected node: {name}</source>
        <translation>运行到选中的节点：{name}</translation>
    </message>
    <message>
        <source>the selected group</source>
        <translation>选中的组</translation>
    </message>
    <message>
        <source>Step over</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Next .grad</source>
        <translation>下一个 .grad</translation>
    </message>
    <message>
        <source>Step over: run the folded group the running node is drawn in (or the next node) in one step (Shift+Right)</source>
        <translation>跳过：一步运行完正在运行的节点所在的折叠组（或下一个节点）（Shift+Right）</translation>
    </message>
    <message>
        <source>Jump to the next leaf accumulation: the next time AccumulateGrad writes a .grad (Ctrl+Right)</source>
        <translation>跳到下一次叶子累加：AccumulateGrad 下一次写入 .grad 的位置（Ctrl+Right）</translation>
    </message>
    <message>
        <source>Run to…</source>
        <translation>运行到…</translation>
    </message>
    <message>
        <source>Pick a node (or the node selected in the graph): playback runs until it executes</source>
        <translation>选择一个节点（或图中选中的节点）：播放会一直运行到该节点执行</translation>
    </message>
    <message>
        <source>Go to backward call number N</source>
        <translation>转到第 N 次 backward 调用</translation>
    </message>
    <message>
        <source>This call was kept as a summary to save memory: a long loop keeps every step of its first and last calls only. Pick one of those to replay it, or keep this one with Run &gt; Record Call in Full.</source>
        <translation>为节省内存，这次调用只保留了摘要：长循环只保留最前和最后几次调用的每一步。选择其中之一即可回放，或用“运行 &gt; 完整记录此调用”保留这一次。</translation>
    </message>
    <message>
        <source>{n} steps a second</source>
        <translation>每秒 {n} 步</translation>
    </message>
    <message>
        <source>Call #{n}: kept as a summary</source>
        <translation>调用 #{n}：只保留了摘要</translation>
    </message>
    <message>
        <source>summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>whole call in {n} s</source>
        <translation>整个调用 {n} 秒</translation>
    </message>
    <message>
        <source>As fast as it takes to play the whole call in {n} s, however long it is</source>
        <translation>无论调用多长，都在 {n} 秒内播放完整个调用</translation>
    </message>
    <message>
        <source>{count} nodes</source>
        <translation>{count} 个节点</translation>
    </message>
    <message>
        <source>This call never runs that node.</source>
        <translation>本次调用从未运行该节点。</translation>
    </message>
    <message>
        <source>{a} + … + {z} = {total} ({n} grads)</source>
        <translation>{a} + … + {z} = {total}（共 {n} 个梯度）</translation>
    </message>
    <message>
        <source>loss: {value}</source>
        <translation>损失：{value}</translation>
    </message>
    <message>
        <source>… {n} earlier changes to .grad</source>
        <translation>… 更早的 {n} 次 .grad 改动</translation>
    </message>
    <message>
        <source>iteration {n}</source>
        <translation>第 {n} 次迭代</translation>
    </message>
    <message>
        <source>no backward call yet</source>
        <translation>还没有反向调用</translation>
    </message>
    <message>
        <source>call #{n}</source>
        <translation>第 {n} 次调用</translation>
    </message>
    <message>
        <source>This call ({mark}):</source>
        <translation>本次调用（{mark}）：</translation>
    </message>
    <message>
        <source>{label}.grad: {before} → None (cleared, as zero_grad() does)</source>
        <translation>{label}.grad：{before} → None（已清空，如 zero_grad() 所做）</translation>
    </message>
</context>
<context>
    <name>CodeEditor</name>
    <message>
        <location filename="../../ui/editor.py" line="397" />
        <source>Run cell (Ctrl+Enter)</source>
        <translation>运行单元格 (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>iteration {0} of {1} (backward call {2})</source>
        <translation>第 {0} / {1} 次迭代（反向调用 {2}）</translation>
    </message>
    <message>
        <source>loop step {0} of {1}</source>
        <translation>循环第 {0} / {1} 步</translation>
    </message>
    <message>
        <source>{a} + … + {z} = {total} ({n} grads)</source>
        <translation>{a} + … + {z} = {total}（共 {n} 个梯度）</translation>
    </message>
    <message>
        <source>the drawing is {0} x {1} units; PDF pages are at most 200 in a side, so each picture is split over {2} pages</source>
        <translation>图面为 {0} x {1} 单位；PDF 页面每边最多 200 英寸，因此每张图分成 {2} 页</translation>
    </message>
    <message>
        <source>sampled {0} of {1} steps: 1 in every {2}, plus the first, the last and each .grad accumulation</source>
        <translation>从 {1} 步中采样了 {0} 步：每 {2} 步取 1 步，另加第一步、最后一步和每次 .grad 累加</translation>
    </message>
    <message>
        <source>(use .svg or .pdf for all of it, or a larger size limit)</source>
        <translation>（要得到全部内容，请使用 .svg 或 .pdf，或调大尺寸上限）</translation>
    </message>
    <message>
        <source>{0}; wrote the {1} x {2} px part</source>
        <translation>{0}；写出了 {1} x {2} 像素的部分</translation>
    </message>
    <message>
        <source>{0}; wrote the {1} x {2} px part around {3}</source>
        <translation>{0}；写出了 {3} 周围 {1} x {2} 像素的部分</translation>
    </message>
    <message>
        <source>{0}; each frame follows the running node at {1} x {2} px</source>
        <translation>{0}；每一帧跟随正在运行的节点，{1} x {2} 像素</translation>
    </message>
    <message>
        <source>{0}; drawn whole at {1} x the scale, {2} x {3} px</source>
        <translation>{0}；按 {1} 倍缩放完整绘制，{2} x {3} 像素</translation>
    </message>
    <message>
        <source>the whole graph would be {0} x {1} px (limit {2} px a side)</source>
        <translation>整个计算图将是 {0} x {1} 像素（每边上限 {2} 像素）</translation>
    </message>
    <message>
        <source>sampled: 1 frame per {0} steps</source>
        <translation>采样：每 {0} 步取 1 帧</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="51" />
        <source>starts: {0} nodes to run</source>
        <translation>开始：{0} 个节点待运行</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="52" />
        <source>{0} receives its grad</source>
        <translation>{0} 收到它的梯度</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="53" />
        <source>{0} sends grads to its inputs</source>
        <translation>{0} 把梯度发给它的输入</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="54" />
        <source>{0}.grad += incoming grad</source>
        <translation>{0}.grad += 传入的梯度</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="55" />
        <source>grad of {0} captured</source>
        <translation>已捕获 {0} 的梯度</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="56" />
        <source>frees {0}</source>
        <translation>释放 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="57" />
        <source>hook on {0}</source>
        <translation>{0} 上的钩子</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="58" />
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="59" />
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="66" />
        <source>backward call {0}</source>
        <translation>backward 调用 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="66" />
        <source>backward</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="67" />
        <source>{0} · step {1}/{2}: {3}</source>
        <translation>{0} · 第 {1}/{2} 步：{3}</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="0" />
        <source>finished: {0}.grad = {1}</source>
        <translation>完成：{0}.grad = {1}</translation>
    </message>
    <message>
        <location filename="../../ui/export/api.py" line="0" />
        <source>… {0} earlier</source>
        <translation>… 更早的 {0} 条</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Animations: a frame's longest side in pixels; a bigger graph is shown around the running node</source>
        <translation>动画：每帧最长边的像素数；更大的计算图只显示正在运行的节点周围</translation>
    </message>
    <message>
        <source>&amp;Largest frame side:</source>
        <translation>最大帧边长(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="88" />
        <source>Backward call {0}</source>
        <translation>backward 调用 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="125" />
        <source>There is no graph to export yet: run a cell first.</source>
        <translation>还没有可导出的计算图：请先运行一个单元格。</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="138" />
        <location filename="../../ui/export/dialog.py" line="152" />
        <source>Export graph</source>
        <translation>导出计算图</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="146" />
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="161" />
        <source>Whole graph</source>
        <translation>整个计算图</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="162" />
        <source>Visible part</source>
        <translation>可见部分</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="163" />
        <source>Current step</source>
        <translation>当前步骤</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="164" />
        <source>Final state</source>
        <translation>最终状态</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="165" />
        <source>Every step (PDF handout)</source>
        <translation>每一步（PDF 讲义）</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="166" />
        <source>Data flow</source>
        <translation>数据流</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="167" />
        <source>grad_fn graph</source>
        <translation>grad_fn 图</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="210" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>&amp;Format:</source>
        <translation>格式(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>&amp;Area:</source>
        <translation>范围(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>&amp;State:</source>
        <translation>状态(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>&amp;View:</source>
        <translation>视图(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>&amp;Backward call:</source>
        <translation>backward 调用(&amp;B)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>S&amp;cale:</source>
        <translation>缩放(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>&amp;Transparent background:</source>
        <translation>透明背景(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>The file type to write</source>
        <translation>要写出的文件类型</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>The whole graph, or only the part the window shows now</source>
        <translation>整个计算图，或仅窗口当前显示的部分</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>Which moment of the backward call the picture shows</source>
        <translation>图片显示 backward 调用的哪个时刻</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>Data flow (tensors and ops) or the grad_fn graph backward walks</source>
        <translation>数据流（张量和运算），或 backward 遍历的 grad_fn 图</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>Which backward() call of the script to draw</source>
        <translation>绘制脚本中的哪一次 backward() 调用</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>Pixels per unit for PNG and animations (2 × = twice as sharp)</source>
        <translation>PNG 和动画每单位的像素数（2 × = 清晰一倍）</translation>
    </message>
    <message>
        <location filename="../../ui/export/dialog.py" line="0" />
        <source>PNG only: leave the background see-through</source>
        <translation>仅 PNG：背景保持透明</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <location filename="../../ui/files.py" line="38" />
        <source>{name}: gradviz opens Python scripts (.py) and notebooks (.ipynb).</source>
        <translation>{name}：gradviz 只能打开 Python 脚本 (.py) 和笔记本 (.ipynb)。</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="44" />
        <source>{path}: no such file.</source>
        <translation>{path}：文件不存在。</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="50" />
        <source>{name} is not UTF-8 text.</source>
        <translation>{name} 不是 UTF-8 文本。</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="58" />
        <source>{name} is not a readable Jupyter notebook: {error}</source>
        <translation>{name} 不是可读取的 Jupyter 笔记本：{error}</translation>
    </message>
</context>
<context>
    <name>GraphArea</name>
    <message>
        <location filename="../../ui/graph_area.py" line="67" />
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location filename="../../ui/graph_area.py" line="68" />
        <source>Outline</source>
        <translation>大纲</translation>
    </message>
</context>
<context>
    <name>GraphCanvas</name>
    <message>
        <location filename="../../ui/graph/items.py" line="32" />
        <source>grad: None</source>
        <translation>梯度：None</translation>
    </message>
    <message>
        <location filename="../../ui/graph/items.py" line="368" />
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>double-click to expand</source>
        <translation>双击展开</translation>
    </message>
    <message>
        <source>{0} sizes/strides</source>
        <translation>{0} 个尺寸/步幅</translation>
    </message>
    <message>
        <source>Previous page of steps</source>
        <translation>上一页步骤</translation>
    </message>
    <message>
        <source>Next page of steps</source>
        <translation>下一页步骤</translation>
    </message>
</context>
<context>
    <name>GraphOutline</name>
    <message>
        <location filename="../../ui/outline.py" line="27" />
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="29" />
        <source>Backward functions</source>
        <translation>反向函数</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="30" />
        <source>Gradient accumulators</source>
        <translation>梯度累加器</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="35" />
        <source>leaf</source>
        <translation>叶子</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="36" />
        <source>intermediate</source>
        <translation>中间</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="37" />
        <source>constant</source>
        <translation>常量</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="152" />
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="153" />
        <source>Shape / order</source>
        <translation>形状 / 顺序</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="154" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="155" />
        <source>Line</source>
        <translation>行</translation>
    </message>
</context>
<context>
    <name>GraphPanel</name>
    <message>
        <source>in {box}</source>
        <translation>在 {box} 中</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="131" />
        <source>no match</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="142" />
        <source>Data flow</source>
        <translation>数据流</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="143" />
        <source>Tensors and ops, inputs first</source>
        <translation>张量与运算，输入在前</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="144" />
        <source>grad_fn</source>
        <translation>grad_fn</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="145" />
        <source>PyTorch's graph: grad_fn nodes and next_functions</source>
        <translation>PyTorch 的计算图：grad_fn 节点与 next_functions</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="147" />
        <source>Left→right</source>
        <translation>从左到右</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="147" />
        <source>Top→down</source>
        <translation>从上到下</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="148" />
        <source>Lay the graph out top-down or left-to-right</source>
        <translation>从上到下或从左到右排布计算图</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="149" />
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="150" />
        <source>Fit the whole graph (F)</source>
        <translation>显示整个计算图 (F)</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="153" />
        <source>Map</source>
        <translation>缩略图</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="154" />
        <source>Show the overview</source>
        <translation>显示全局缩略图</translation>
    </message>
    <message>
        <location filename="../../ui/graph/panel.py" line="155" />
        <source>Find a tensor or op…</source>
        <translation>查找张量或运算…</translation>
    </message>
    <message>
        <source>Readable size</source>
        <translation>可读大小</translation>
    </message>
    <message>
        <source>Zoom so every label can be read, around the running or selected node (R)</source>
        <translation>缩放到每个标签都能看清，以正在运行或选中的节点为中心 (R)</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Keep the running node in view while backward plays (off: hold the view)</source>
        <translation>反向传播播放时让正在运行的节点保持在视图中（关闭：视图保持不动）</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>What the colours, outlines and numbers mean</source>
        <translation>颜色、边框和数字的含义</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>at the player&apos;s step</source>
        <translation>播放器当前步</translation>
    </message>
    <message>
        <source>before this call&apos;s AccumulateGrad</source>
        <translation>本次调用的 AccumulateGrad 运行之前</translation>
    </message>
    <message>
        <source>after this call&apos;s AccumulateGrad</source>
        <translation>本次调用的 AccumulateGrad 运行之后</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="157" />
        <source>Click to select {node}</source>
        <translation>点击选中 {node}</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="194" />
        <source>Nothing selected</source>
        <translation>未选中任何节点</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="197" />
        <source>Select a node in the graph or the outline to see its attributes, values and gradient.</source>
        <translation>在计算图或大纲中选择一个节点，即可查看它的属性、数值和梯度。</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="214" />
        <source>line {line}</source>
        <translation>第 {line} 行</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="215" />
        <source>created at</source>
        <translation>创建于</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="223" />
        <source>leaf tensor</source>
        <translation>叶子张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="224" />
        <source>intermediate tensor</source>
        <translation>中间张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="225" />
        <source>constant tensor</source>
        <translation>常量张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="226" />
        <location filename="../../ui/inspector.py" line="324" />
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="227" />
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="230" />
        <source>names</source>
        <translation>变量名</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="237" />
        <source>version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="243" />
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="252" />
        <source>why None</source>
        <translation>为何为 None</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="255" />
        <source>values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="270" />
        <source>(first {n} of {total} values)</source>
        <translation>（{total} 个值中的前 {n} 个）</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="292" />
        <source>backward function</source>
        <translation>反向函数</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="293" />
        <location filename="../../ui/inspector.py" line="334" />
        <source>Autograd node</source>
        <translation>自动求导节点</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="295" />
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="296" />
        <source>sequence number</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="298" />
        <source>Inputs (forward)</source>
        <translation>输入（前向）</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="303" />
        <source>Outputs (forward)</source>
        <translation>输出（前向）</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="312" />
        <source>Saved buffers</source>
        <translation>保存的缓冲区</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="315" />
        <source>freed</source>
        <translation>已释放</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="315" />
        <source>alive</source>
        <translation>仍保留</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="326" />
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="328" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="333" />
        <source>gradient accumulator</source>
        <translation>梯度累加器</translation>
    </message>
    <message>
        <source>Insert {code} after line {line}</source>
        <translation>在第 {line} 行之后插入 {code}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/window_running.py" line="165" />
        <source>ran before cell {cell} changed</source>
        <translation>在单元格 {cell} 改动之前运行</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="79" />
        <location filename="../../ui/main_window.py" line="425" />
        <source>Could not open the file</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="124" />
        <location filename="../../ui/main_window.py" line="393" />
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="235" />
        <source>Changed line {line}: {code}</source>
        <translation>已修改第 {line} 行：{code}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="323" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="329" />
        <source>Session restarted: all variables were cleared.</source>
        <translation>会话已重启：所有变量均已清除。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="340" />
        <source>Session restarted: re-running cell {index}…</source>
        <translation>会话已重启：正在重新运行单元格 {index}…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="342" />
        <source>Running cell {index}…</source>
        <translation>正在运行单元格 {index}…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="373" />
        <source>The code runner failed: {error}</source>
        <translation>代码运行器出错：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="384" />
        <source>Ready ({seconds:.2f} s)</source>
        <translation>就绪（{seconds:.2f} 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="386" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="413" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="414" />
        <source>Python scripts and notebooks (*.py *.ipynb)</source>
        <translation>Python 脚本和笔记本 (*.py *.ipynb)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="428" />
        <source>{name} (example)</source>
        <translation>{name}（示例）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="444" />
        <source>Save As</source>
        <translation>另存为</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="445" />
        <source>Python script (*.py);;Jupyter notebook (*.ipynb)</source>
        <translation>Python 脚本 (*.py);;Jupyter 笔记本 (*.ipynb)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="464" />
        <source>Could not save the file</source>
        <translation>无法保存文件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="469" />
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="478" />
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="479" />
        <source>{name} has changes that are not saved. Save them?</source>
        <translation>{name} 有尚未保存的更改。要保存吗？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="500" />
        <source>Restore unsaved work?</source>
        <translation>恢复未保存的内容？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="501" />
        <source>gradviz closed unexpectedly. Unsaved work from {time} was kept. Restore it?</source>
        <translation>gradviz 上次意外关闭，{time} 的未保存内容已被保留。要恢复吗？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="606" />
        <location filename="../../ui/main_window.py" line="607" />
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="608" />
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="618" />
        <source>Ln {line}, Col {col}</source>
        <translation>第 {line} 行，第 {col} 列</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="621" />
        <source>Cell {index}</source>
        <translation>单元格 {index}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="626" />
        <source>About gradviz</source>
        <translation>关于 gradviz</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="627" />
        <source>gradviz makes PyTorch's autograd visible: type PyTorch-style code, see the autograd graph, and step through backward() node by node.</source>
        <translation>gradviz 让 PyTorch 的自动求导看得见：输入 PyTorch 风格的代码，查看自动求导计算图，并逐个节点地单步执行 backward()。</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="118" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="119" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="120" />
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="121" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="122" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="123" />
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="124" />
        <source>&amp;Examples</source>
        <translation>示例(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="125" />
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="126" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="127" />
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="128" />
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="129" />
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="130" />
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="131" />
        <source>Clear Recent Files</source>
        <translation>清除最近文件</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="132" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="133" />
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="134" />
        <source>Run Cell</source>
        <translation>运行单元格</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="135" />
        <source>Run Cell and Advance</source>
        <translation>运行并跳到下一单元格</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="136" />
        <source>Run All</source>
        <translation>全部运行</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="137" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="138" />
        <source>Restart Session</source>
        <translation>重启会话</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="1" />
        <source>Record Call in Full</source>
        <translation>完整记录此调用</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="1" />
        <source>Run the script again from the same random seeds, keeping the selected backward call in full</source>
        <translation>用相同的随机种子重新运行脚本，完整保留所选的 backward 调用</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1" />
        <source>Call #{n} was kept as a summary: Run ▸ Record Call in Full runs the script again and keeps it</source>
        <translation>调用 #{n} 只保留了摘要：运行 ▸ 完整记录此调用 会重新运行脚本并完整保留它</translation>
    </message>
    <message>
        <location filename="../../ui/record_call.py" line="1" />
        <source>Running the script again to record call #{n} in full…</source>
        <translation>正在重新运行脚本以完整记录调用 #{n}…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="139" />
        <source>Follow System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="140" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="141" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="142" />
        <source>&amp;About gradviz</source>
        <translation>关于 gradviz(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="143" />
        <source>Run the cell under the cursor (Ctrl+Enter)</source>
        <translation>运行光标所在的单元格 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="144" />
        <source>Run every cell from the top (Ctrl+Shift+Enter)</source>
        <translation>从头运行所有单元格 (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="145" />
        <source>Stop the running code (Esc)</source>
        <translation>停止正在运行的代码 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="146" />
        <source>Start a fresh session: all variables are forgotten</source>
        <translation>开始一个新会话：所有变量都会被清除</translation>
    </message>
    <message>
        <source>The script changed: no certain place for {code} any more</source>
        <translation>脚本已经改动：找不到可以确定插入 {code} 的位置了</translation>
    </message>
    <message>
        <source>Inserted {code} as line {line}: run the code from there again</source>
        <translation>已在第 {line} 行插入 {code}：请从那里重新运行代码</translation>
    </message>
    <message>
        <source>⚠ Code is not contained</source>
        <translation>⚠ 代码未被隔离</translation>
    </message>
    <message>
        <source>The operating system cannot contain the code gradviz runs ({reason}); files opened from disk run only after you confirm.</source>
        <translation>操作系统无法隔离 gradviz 运行的代码（{reason}）；从磁盘打开的文件需要你确认后才会运行。</translation>
    </message>
    <message>
        <source>unknown reason</source>
        <translation>原因未知</translation>
    </message>
    <message>
        <source>&amp;Tour of the Window</source>
        <translation>窗口导览(&amp;T)</translation>
    </message>
    <message>
        <source>Run {name}?</source>
        <translation>运行 {name}？</translation>
    </message>
    <message>
        <source>Run {name}? Its code can reach your files: this computer cannot contain the code gradviz runs, so only run files you trust.</source>
        <translation>运行 {name}？它的代码可以访问你的文件：这台计算机无法隔离 gradviz 运行的代码，请只运行你信任的文件。</translation>
    </message>
    <message>
        <source>Not run: {name} was not confirmed</source>
        <translation>未运行：{name} 未经确认</translation>
    </message>
</context>
<context>
    <name>OutputPanel</name>
    <message>
        <location filename="../../ui/output.py" line="49" />
        <source>line {line}</source>
        <translation>第 {line} 行</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="125" />
        <source>Run a cell (Ctrl+Enter) to see its output here.</source>
        <translation>运行一个单元格 (Ctrl+Enter)，输出会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="135" />
        <source>Cell {index}</source>
        <translation>单元格 {index}</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="138" />
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="142" />
        <source>re-run after restart</source>
        <translation>重启后重新运行</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/preferences.py" line="41" />
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="46" />
        <source>Follow system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="47" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="48" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="78" />
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="80" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="81" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="83" />
        <source>Code runner</source>
        <translation>代码运行器</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="85" />
        <source>Time limit per cell</source>
        <translation>每个单元格的时间上限</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="86" />
        <source>Max elements per tensor</source>
        <translation>每个张量的最大元素数</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="88" />
        <source>Backward animation</source>
        <translation>反向传播动画</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="90" />
        <source>Speed</source>
        <translation>速度</translation>
    </message>
</context>
<context>
    <name>Runner</name>
    <message>
        <location filename="../../ui/runner.py" line="116" />
        <source>The code runner could not start: {error}</source>
        <translation>代码运行器无法启动：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/runner.py" line="155" />
        <source>cancelled by the user</source>
        <translation>已被用户取消</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Training loop</source>
        <translation>训练循环</translation>
    </message>
    <message>
        <source>Loss per iteration: click a point to replay that iteration&apos;s backward()</source>
        <translation>每次迭代的损失：点击一个点即可回放该次迭代的 backward()</translation>
    </message>
    <message>
        <source>No loss values to plot</source>
        <translation>没有可绘制的损失值</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>iteration</source>
        <translation>迭代</translation>
    </message>
    <message>
        <source>iteration {n}: loss {loss}</source>
        <translation>第 {n} 次迭代：损失 {loss}</translation>
    </message>
    <message>
        <source>Loop at line {line} (cell {cell}): {n} iterations</source>
        <translation>第 {line} 行的循环（单元格 {cell}）：{n} 次迭代</translation>
    </message>
    <message>
        <source>grads keep adding up</source>
        <translation>梯度在不断累加</translation>
    </message>
    <message>
        <source>loss {first} → {last}</source>
        <translation>损失 {first} → {last}</translation>
    </message>
    <message>
        <source>no scalar loss</source>
        <translation>没有标量损失</translation>
    </message>
    <message>
        <source>iteration {n} of {total} · loss {loss}</source>
        <translation>第 {n} / {total} 次迭代 · 损失 {loss}</translation>
    </message>
    <message>
        <source>a parameter</source>
        <translation>某个参数</translation>
    </message>
    <message>
        <source>{name}.grad too, iterations {first}–{last}: {ledger}</source>
        <translation>{name}.grad 也是如此，第 {first}–{last} 次迭代：{ledger}</translation>
    </message>
    <message>
        <source>Previous iteration</source>
        <translation>上一次迭代</translation>
    </message>
    <message>
        <source>Next iteration</source>
        <translation>下一次迭代</translation>
    </message>
    <message>
        <source>Iteration: draws its own graph and replays its backward() call</source>
        <translation>迭代：绘制该次迭代自己的计算图，并回放它的 backward() 调用</translation>
    </message>
    <message>
        <source>Iteration {n} was kept as a summary to save memory: its loss only, so there is no graph of it to show. Long loops keep the graphs of their first and last iterations.</source>
        <translation>为节省内存，第 {n} 次迭代只保留了摘要：只有损失值，所以没有可显示的图。长循环保留最前和最后几次迭代的计算图。</translation>
    </message>
    <message>
        <source>Show iteration {n}</source>
        <translation>显示第 {n} 次迭代</translation>
    </message>
    <message>
        <source>Record it in full</source>
        <translation>完整记录这一次</translation>
    </message>
    <message>
        <source>Run the script again from the same random seeds, keeping iteration {n}&apos;s graph</source>
        <translation>用相同的随机种子重新运行脚本，并保留第 {n} 次迭代的计算图</translation>
    </message>
    <message>
        <source>The nearest iteration whose graph was kept</source>
        <translation>最近的一次保留了计算图的迭代</translation>
    </message>
    <message>
        <source>No training loop yet: a loop appears here when the same backward() line runs more than once.</source>
        <translation>还没有训练循环：当同一行 backward() 运行不止一次时，循环会显示在这里。</translation>
    </message>
    <message>
        <source>All iterations</source>
        <translation>全部迭代</translation>
    </message>
    <message>
        <source>All Iterations of a Loop</source>
        <translation>循环的全部迭代</translation>
    </message>
    <message>
        <source>Draw the graphs of every iteration kept in full together, as the cell left them; the player still replays the chosen iteration&apos;s backward() on them</source>
        <translation>把所有完整保留的迭代的计算图画在一起（即单元格运行结束时的样子）；播放器仍在其上回放所选迭代的 backward()</translation>
    </message>
    <message>
        <source>Drawn: the {kept} of {total} iterations kept in full, together. Iteration {n} has no graph among them.</source>
        <translation>图中画的是：{total} 次迭代中完整保留的 {kept} 次，画在一起。其中没有第 {n} 次迭代的计算图。</translation>
    </message>
    <message>
        <source>Drawn: the {kept} of {total} iterations kept in full, together. The player replays iteration {n}&apos;s backward() on them.</source>
        <translation>图中画的是：{total} 次迭代中完整保留的 {kept} 次，画在一起。播放器在其上回放第 {n} 次迭代的 backward()。</translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <source>The whole graph fits, but its text is too small to read.</source>
        <translation>整张图已放入视图，但文字太小，无法阅读。</translation>
    </message>
    <message>
        <source>Readable size</source>
        <translation>可读大小</translation>
    </message>
    <message>
        <source>The opened group is too big to show whole at a readable size: showing its start.</source>
        <translation>展开的分组太大，无法以可读大小完整显示：先显示它的开头。</translation>
    </message>
</context>
<context>
    <name>Minimap</name>
    <message>
        <source>Overview: click or drag to move the view</source>
        <translation>总览：点击或拖动以移动视图</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>Faded: from before the edit (a re-run stopped before replacing it)</source>
        <translation>半透明：来自编辑之前（重新运行在替换它之前就停止了）</translation>
    </message>
    <message>
        <source>From before the edit: an earlier run of its cell made it, and the re-run stopped before replacing it, so its values are old. Run the cell again once it works.</source>
        <translation>来自编辑之前：它由该单元格较早的一次运行创建，重新运行在替换它之前就停止了，所以它的数值是旧的。单元格能正常运行后请再运行一次。</translation>
    </message>
    <message>
        <source>Backward function: turns the gradient of its output into gradients of its inputs</source>
        <translation>反向函数：把输出的梯度变成各个输入的梯度</translation>
    </message>
    <message>
        <source>Red border: running now (its backward function is computing)</source>
        <translation>红色边框：正在运行（它的反向函数正在计算）</translation>
    </message>
    <message>
        <source>Blue border: ready (every gradient it waits for has arrived)</source>
        <translation>蓝色边框：就绪（它等待的梯度都已到达）</translation>
    </message>
    <message>
        <source>Green border: done (it has passed its gradients on)</source>
        <translation>绿色边框：完成（它已把梯度传下去）</translation>
    </message>
    <message>
        <source>Dotted border: waiting for gradients from later nodes</source>
        <translation>点线边框：正在等待后面节点传来的梯度</translation>
    </message>
    <message>
        <source>Thick red border: backward failed here</source>
        <translation>粗红边框：反向传播在这里出错</translation>
    </message>
    <message>
        <source>Dashed grey box: a constant, no gradient flows into it</source>
        <translation>灰色虚线框：常量，没有梯度流入</translation>
    </message>
    <message>
        <source>Orange glow: made on the editor&apos;s current line</source>
        <translation>橙色光晕：由编辑器当前行创建</translation>
    </message>
    <message>
        <source>Chip: a saved buffer backward still needs</source>
        <translation>小标签：反向传播仍需要的保存的缓冲区</translation>
    </message>
    <message>
        <source>Red dashed chip (struck through in the player): a saved buffer already freed</source>
        <translation>红色虚线小标签（播放器中带删除线）：已释放的保存的缓冲区</translation>
    </message>
    <message>
        <source>Red edge with a number: the gradient it carries now</source>
        <translation>带数字的红色边：它此刻传递的梯度</translation>
    </message>
    <message>
        <source>Small number on an edge: which input slot it feeds</source>
        <translation>边上的小数字：它连到第几个输入</translation>
    </message>
    <message>
        <source>Leaf tensor: its .grad is filled by backward()</source>
        <translation>叶子张量：backward() 会填写它的 .grad</translation>
    </message>
    <message>
        <source>Constant: no gradient flows into it</source>
        <translation>常量：没有梯度流入</translation>
    </message>
    <message>
        <source>Intermediate tensor: its .grad stays None unless retain_grad()</source>
        <translation>中间张量：除非调用 retain_grad()，它的 .grad 保持为 None</translation>
    </message>
    <message>
        <source>AccumulateGrad: adds the arriving gradient into the leaf&apos;s .grad</source>
        <translation>AccumulateGrad：把到达的梯度累加进叶子张量的 .grad</translation>
    </message>
    <message>
        <source>A collapsed group: double-click to expand it</source>
        <translation>折叠的分组：双击展开</translation>
    </message>
    <message>
        <source>What the marks mean</source>
        <translation>图中标记的含义</translation>
    </message>
    <message>
        <source>Edge {source} → {target}</source>
        <translation>边 {source} → {target}</translation>
    </message>
    <message>
        <source>{attr}: freed after this node ran (retain_graph=False)</source>
        <translation>{attr}：此节点运行后已释放 (retain_graph=False)</translation>
    </message>
    <message>
        <source>{attr}: saved for backward, still alive</source>
        <translation>{attr}：为反向传播保存，仍然保留</translation>
    </message>
    <message>
        <source>Gradient carried now: {grad}</source>
        <translation>此刻传递的梯度：{grad}</translation>
    </message>
</context>
<context>
    <name>Tour</name>
    <message>
        <source>1. Write PyTorch code</source>
        <translation>1. 编写 PyTorch 代码</translation>
    </message>
    <message>
        <source>Type PyTorch-style code here. &apos;# %%&apos; lines split it into cells; Ctrl+Enter runs the cell under the caret, and the output appears below.</source>
        <translation>在这里输入 PyTorch 风格的代码。“# %%” 行把代码分成单元格；Ctrl+Enter 运行光标所在的单元格，输出显示在下方。</translation>
    </message>
    <message>
        <source>2. See the autograd graph</source>
        <translation>2. 查看自动求导图</translation>
    </message>
    <message>
        <source>Every tensor and backward function your code made. Click a node to inspect it; Legend explains the colours and outlines; Fit shows the whole graph.</source>
        <translation>你的代码创建的每个张量和反向函数。点击节点查看详情；“图例”解释颜色和边框；“适应”显示整张图。</translation>
    </message>
    <message>
        <source>3. Play backward() step by step</source>
        <translation>3. 逐步播放 backward()</translation>
    </message>
    <message>
        <source>Step through a backward() call: the running node is outlined in red, the numbers on the edges are the gradients flowing, and the view follows the running node.</source>
        <translation>逐步查看一次 backward() 调用：正在运行的节点带红色边框，边上的数字是流动的梯度，视图会跟随正在运行的节点。</translation>
    </message>
    <message>
        <source>4. Inspect a node</source>
        <translation>4. 检查节点</translation>
    </message>
    <message>
        <source>Everything about the selected (or running) node: shape, values, grad, saved buffers, and why a .grad is None.</source>
        <translation>选中（或正在运行）的节点的一切：形状、数值、梯度、保存的缓冲区，以及 .grad 为什么是 None。</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
</context>
</TS>